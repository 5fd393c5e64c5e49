"""Page routers: every module here with a ``router`` is served at the site root."""
