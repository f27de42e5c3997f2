"""The embedded stack for one machine: broker, store, services and gateway as child processes."""
