"""Importing another system's address data into melange-rpc."""
