"""Services: one function per use case. Each takes an open connection, applies the domain rules
and calls the store. The CLI wraps each call in one transaction. No printing here."""
