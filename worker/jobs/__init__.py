"""RQ job functions.  Each takes ids, enters an app context and a tenant scope, calls a service."""
