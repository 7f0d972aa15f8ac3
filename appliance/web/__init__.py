"""The appliance's web layer: falcon resources, middleware and Jinja2 rendering."""
