"""What tests of every layer share: polling, fakes of the outbox and store, tokens."""
