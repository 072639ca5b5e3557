"""Money is an integer number of fen everywhere; this shows it as yuan."""


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"¥{fen / 100:,.2f}"
