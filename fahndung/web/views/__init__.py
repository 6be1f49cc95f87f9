"""Staff web views (one module per page group). See fahndung/web/urls.py."""
