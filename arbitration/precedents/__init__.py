"""Like cases decided alike: the issued rulings closest to a case, the departure prompt, the retrieval report."""
