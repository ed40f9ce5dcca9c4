{% for ct, items in results.results|groupby('content-type', default='unknown') %}
{{ ct }}: {{ items|length }}
{% endfor %}
{% for k, items in [{'n': 'B'}, {'n': 'a'}, {'n': 'b'}, {'n': 'A'}]|groupby('n') %}{{ k }}={{ items|length }} {% endfor %}

{% for k, items in [{'n': 'B'}, {'n': 'a'}, {'n': 'b'}, {'n': 'A'}]|groupby('n', case_sensitive=true) %}{{ k }}={{ items|length }} {% endfor %}

