{{ results }}
