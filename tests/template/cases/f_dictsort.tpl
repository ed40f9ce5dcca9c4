{% for k, v in results.plugins|default({})|dictsort %}
{{ k }}={{ v }}
{% endfor %}
{% for k, v in {'b': 1, 'A': 2, 'a': 3}|dictsort %}{{ k }}{{ v }} {% endfor %}

{% for k, v in {'b': 1, 'A': 2, 'a': 3}|dictsort(true) %}{{ k }}{{ v }} {% endfor %}

