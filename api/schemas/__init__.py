"""Request (…In) and response (…Out) models of the JSON API, one module per resource."""
