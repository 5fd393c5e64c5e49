"""JSON API routers, one module per resource.

Every module here that defines ``router`` (a FastAPI ``APIRouter``) is included
under ``/api/v1`` by :func:`api.app.create_app`, in module-name order: adding a
resource (ratings, blacklist, subsidies, audit…) is adding a module, with no
edit to a shared file."""
