module sqlraft

go 1.26
