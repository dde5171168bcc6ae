"""What the bench's sections share: statistics, programs in a pty or watched, the machine, the report,
Milvus Lite servers, shells built by the composition root, and the doc writer."""
