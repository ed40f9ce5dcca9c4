{{ [1, 2, 3]|sum }} {{ []|sum }} {{ [0.1, 0.2]|sum }} {{ [1, 2.5]|sum }}
{{ results.results|sum(attribute='size') }}
