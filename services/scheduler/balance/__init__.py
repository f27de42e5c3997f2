"""Balance policies: each section's mix of live and on-demand minutes, measured on every
scheduling change, and weekly plan reports per section and per student."""
