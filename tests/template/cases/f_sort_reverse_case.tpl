{{ ['b', 'A', 'c', 'a', 'B']|sort(reverse=true) }} {{ ['b', 'A', 'c', 'a', 'B']|sort(case_sensitive=true) }}
{{ ['b', 'A', 'c', 'a', 'B']|sort(true, true) }} {{ [3, 1, 2]|sort(true) }}
{% for r in results.results if r.plugin == 'yara' %}
{{ r.scan|map(attribute='rule')|sort|list }} {{ r.scan|map(attribute='rule')|sort(case_sensitive=true)|list }}
{% endfor %}
