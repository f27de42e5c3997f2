"""The GraphQL schema, composed from per-domain query, mutation and subscription mixins."""
