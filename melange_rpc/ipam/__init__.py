"""The domain: blocks, allocation, retention. No RPC, no config parsing."""
