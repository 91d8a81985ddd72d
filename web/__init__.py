"""The web channel: a page with Brobygger's own chat widget, source views and the quotes API."""
