"""Administration: users, roles and org units."""
