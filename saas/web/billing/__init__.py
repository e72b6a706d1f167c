"""The billing pages (owners only) and Stripe's webhook."""
