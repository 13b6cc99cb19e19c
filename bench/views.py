"""A signed-in POST that does nothing: the floor the benchmark compares a vote with.

It goes through every middleware of the site (CSRF checked as for any POST),
loads the session and the member as the vote view does, and answers 204. A
visitor is sent to sign in, as for a vote without JavaScript.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
@login_required
def noop(request):
    return HttpResponse(status=204)
