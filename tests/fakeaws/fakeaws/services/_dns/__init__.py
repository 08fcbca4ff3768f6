"""Route 53 and ACM pieces of the fake (the dns part)."""
