"""What the rules cannot enumerate, learned from the annotated corpus (data/annotations/)."""
