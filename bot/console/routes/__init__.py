"""The console's routes, one module per feature; each has `routes(kit) -> list[BaseRoute]`."""
