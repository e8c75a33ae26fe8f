"""The portal's use of the matching engine: "For you" and hiring shortlists."""
