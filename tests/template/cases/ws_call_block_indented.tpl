{% macro card(title) %}
  <div class="card">
    <h2>{{ title }}</h2>
    {{ caller() }}
  </div>
{% endmacro %}
<body>
  {% call card('Payloads') %}
    {% for r in results.results %}
    <p>{{ r.plugin }}</p>
    {% endfor %}
  {% endcall %}
</body>
