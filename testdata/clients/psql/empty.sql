-- Empty queries: psql sends a lone ";" (here three times, the comment lines
-- are stripped by psql) and the server answers EmptyQueryResponse.
SELECT 1;
;
-- only a comment
;
   ;
SELECT 2;
