"""Open knowledge the default category model learns from: brand names with what they sell,
built reproducibly from pinned open sources (`build_brands`), read by the category
pipeline through the catalog. Nothing here is written while reading an evaluation export."""
