"""Support code for the contract suite: the services as processes, the database, HTTP helpers."""
