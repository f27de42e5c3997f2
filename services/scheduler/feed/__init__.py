"""Each student's feed: a read model projected from the other slices' domain events."""
