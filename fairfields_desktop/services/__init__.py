"""Use cases: each opens one transaction, checks permissions, and records an audit entry."""
