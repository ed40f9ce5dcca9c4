{% block outer %}[{% block inner %}{{ results.tlp|default('none') }}{% endblock %}]{% endblock %}
again: {{ self.inner() }} {{ self.outer() }}
