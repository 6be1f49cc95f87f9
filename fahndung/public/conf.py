"""Settings of the public pages, read from the environment (safe defaults).

FAHNDUNG_PUBLIC_MAX_AGE          Cache-Control max-age of public pages in seconds (60).
FAHNDUNG_PUBLIC_SWR              stale-while-revalidate window in seconds (30).
FAHNDUNG_PUBLIC_PAGE_CACHE       server-side page cache lifetime in seconds (600); entries are
                                 keyed by status/updated_at, so this only bounds memory use.
FAHNDUNG_PUBLIC_PAGE_SIZE        appeals per list page (20).
"""

from __future__ import annotations

from fahndung.core.env import env_int

PUBLIC_MAX_AGE = env_int("FAHNDUNG_PUBLIC_MAX_AGE", 60)
PUBLIC_SWR = env_int("FAHNDUNG_PUBLIC_SWR", 30)
PUBLIC_PAGE_CACHE = env_int("FAHNDUNG_PUBLIC_PAGE_CACHE", 600)
PUBLIC_PAGE_SIZE = env_int("FAHNDUNG_PUBLIC_PAGE_SIZE", 20)
