"""Operations: running the product's processes (not a domain: no tables, no pages)."""
