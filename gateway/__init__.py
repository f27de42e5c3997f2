"""The public edge: one GraphQL API over the services, with subscriptions fed from Kafka."""
