"""The catalog: lessons and their components, drafted by staff and published for scheduling."""
