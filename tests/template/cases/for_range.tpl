{% for i in range(3) %}{{ i }}{% endfor %} {% for i in range(1, 10, 3) %}{{ i }},{% endfor %} {{ range(5)|list }} {{ range(3, 0, -1)|list }}
{% for i in range(results.payloads) %}
payload slot {{ i }}
{% endfor %}
