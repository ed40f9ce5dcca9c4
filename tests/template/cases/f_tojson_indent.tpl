{{ results.plugins|default({})|tojson(indent=2) }}
{{ (results.results|first).scan|default({})|tojson(2) if results.results else '{}' }}
{{ [] |tojson(indent=2) }} {{ {}|tojson(indent=2) }} {{ [[]]|tojson(indent=2) }}
