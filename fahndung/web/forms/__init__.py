"""Forms of the staff UI. They only parse input; the services validate business rules."""
