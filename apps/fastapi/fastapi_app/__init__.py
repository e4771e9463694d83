"""The FastAPI port of the legacy users/orders service."""
