{{ [3, 1, 2]|min }} {{ [3, 1, 2]|max }} {{ ['b', 'A', 'c']|min }} {{ ['b', 'A', 'c']|max }} {{ ['b', 'A', 'c']|max(case_sensitive=true) }} {{ []|min }}|
{{ results.results|map(attribute='size')|min }} {{ results.results|map(attribute='size')|max }}
