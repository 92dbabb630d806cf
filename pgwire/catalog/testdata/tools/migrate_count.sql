SELECT COUNT(1) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'posts' LIMIT 1
