{% extends "_partials/layout_mid.tpl" %}
{% block summary %}{{ super() }}(and {{ results.results|length }} result entries)
{% endblock %}
{% block entry %}{{ super() }} !{% endblock %}
