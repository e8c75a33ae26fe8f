"""AI governance: company-wide run-time settings (the recommendations switch), per-person
opt-out, and the model/settings card HR can export."""
