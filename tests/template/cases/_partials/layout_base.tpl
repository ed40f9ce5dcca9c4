== {% block title %}stoQ report{% endblock %} ==
{% block summary %}
{{ results.payloads|default(0) }} payload(s), tlp {{ results.tlp|default('white')|upper }}
{% endblock summary %}
{% for r in results.results %}
{% block entry scoped %}- {{ r.filename|default('Unknown') }} ({{ r.plugin|default('?') }}){% endblock %}

{% endfor %}
{% block footer %}-- {{ generator|default('stoq') }}{% endblock %}
