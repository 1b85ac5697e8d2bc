"""The desktop app: a thin PySide6 layer over the services (store, generation, publishing)."""
