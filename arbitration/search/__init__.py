"""Full-text search over the cases each person may open (Chinese segmented with jieba)."""
