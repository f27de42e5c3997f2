"""The recordings slice: live sessions recorded, published as on-demand lesson components."""
