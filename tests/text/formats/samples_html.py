"""Web pages written the way news-agency and government sites write them: the article buried
in navigation, a cookie banner, share bars, editor lines, video player labels, related
stories and a footer. Generated here so nothing is downloaded at test time."""

from __future__ import annotations

NEWS_HEADLINE = "China's leaders call for healthy development of artificial intelligence"
NEWS_FIRST = (
    "BEIJING, Oct. 31 (Xinhua) -- Chinese leaders on Wednesday called for efforts to ensure "
    "the healthy development of the new generation of artificial intelligence."
)
NEWS_PARAGRAPHS = [
    NEWS_FIRST,
    "The Political Bureau of the Communist Party of China Central Committee held a group study "
    "session on the current state and trends of artificial intelligence development.",
    "Artificial intelligence is a strategic technology leading the new round of scientific and "
    "technological revolution and industrial transformation, the meeting was told.",
    "Participants stressed the need to strengthen basic research, make breakthroughs in core "
    "technologies and build an open and collaborative innovation system.",
    "They also called for research on the legal, ethical and social issues that artificial "
    "intelligence may raise, and for laws, regulations and ethical norms to guard against risks.",
]
# Words that appear only in the clutter around the article: none may reach the text.
NEWS_CLUTTER = [
    "Editor:", "Video Player Close", "Share this story", "Related stories", "Copyright",
    "Accept cookies", "Home", "Most viewed", "Source: Xinhua", "Subscribe to our newsletter",
]


def news_agency_page() -> str:
    paras = "\n".join(f"      <p>{p}</p>" for p in NEWS_PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>China's leaders call for healthy development of AI - Xinhua | English.news.cn</title>
  <meta property="og:title" content="{NEWS_HEADLINE}">
  <meta property="og:site_name" content="Xinhua">
  <meta property="og:url" content="http://www.xinhuanet.com/english/2018-10/31/c_137571263.htm">
  <meta property="article:published_time" content="2018-10-31T23:56:41+08:00">
  <meta name="author" content="Xinhua Editorial Desk">
  <meta name="keywords" content="AI, China, Political Bureau">
  <link rel="canonical" href="http://www.xinhuanet.com/english/2018-10/31/c_137571263.htm">
  <script>var pageTracker = {{"channel": "china"}};</script>
  <style>.nav a {{ color: red; }}</style>
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">
    <p>We use cookies to improve your experience on our website. By continuing to browse you
    agree to our use of cookies. <button>Accept cookies</button> <a href="/privacy">Privacy policy</a></p>
  </div>
  <header class="site-header">
    <nav class="main-nav">
      <ul>
        <li><a href="/english/">Home</a></li><li><a href="/english/china/">China</a></li>
        <li><a href="/english/world/">World</a></li><li><a href="/english/business/">Business</a></li>
        <li><a href="/english/culture/">Culture &amp; Edu</a></li><li><a href="/english/sports/">Sports</a></li>
        <li><a href="/english/photos/">Photos</a></li><li><a href="/english/video/">Video</a></li>
      </ul>
    </nav>
    <form class="search"><input type="text" placeholder="Search"><button>Go</button></form>
  </header>
  <div class="main">
    <div class="article">
      <h1 class="headline">{NEWS_HEADLINE}</h1>
      <div class="info">Source: Xinhua| 2018-10-31 23:56:41|Editor: huaxia</div>
      <div class="share-bar"><span>Share this story</span> <a href="#">Facebook</a>
        <a href="#">Twitter</a> <a href="#">Weibo</a> <a href="#">Email</a></div>
      <div class="video-player"><div class="vjs-control-bar">Video Player Close</div></div>
      <div id="content">
{paras}
      </div>
      <div class="editor">[Editor: huaxia]</div>
      <div class="share-bar bottom"><span>Share this story</span> <a href="#">Facebook</a></div>
    </div>
    <aside class="related">
      <h3>Related stories</h3>
      <ul>
        <li><a href="/a1">Xi stresses cyberspace governance at study session</a></li>
        <li><a href="/a2">Chinese AI firms show off new robots at expo</a></li>
        <li><a href="/a3">Smart city projects expand across the country</a></li>
      </ul>
      <h3>Most viewed</h3>
      <ol><li><a href="/m1">Panda cubs meet the public</a></li><li><a href="/m2">Autumn scenery</a></li></ol>
    </aside>
  </div>
  <footer class="site-footer">
    <p><a href="/about">About us</a> | <a href="/contact">Contact us</a> |
    <a href="/newsletter">Subscribe to our newsletter</a></p>
    <p>Copyright &copy; 2000-2018 XINHUANET.com All rights reserved.</p>
  </footer>
</body>
</html>
"""


GOV_HEADLINE = "National approach to AI assurance"
GOV_SECTIONS = [
    ("h2", "Why assurance matters"),
    ("p", "Organisations that build and use artificial intelligence need ways to show that their "
          "systems are trustworthy, and regulators need evidence they can rely on."),
    ("p", "This guidance sets out the government's approach to assurance techniques, including "
          "impact assessments, audits and performance testing."),
    ("h2", "What organisations should do"),
    ("li", "Identify the risks a system poses before it is deployed."),
    ("li", "Record the data used to train and evaluate the system."),
    ("li", "Publish a summary of the assurance carried out."),
    ("p", "The department will review this guidance in 2026 in the light of the responses it receives."),
]
GOV_CLUTTER = [
    "Skip to main content", "Cookies on GOV.UK", "Accept additional cookies", "Is this page useful?",
    "Report a problem", "Share this page", "Related content", "Crown copyright", "Menu", "Print this page",
    "Published 12 March 2025",
]


def government_page() -> str:
    body = []
    in_list = False
    for tag, text in GOV_SECTIONS:
        if tag == "li" and not in_list:
            body.append("<ul>")
            in_list = True
        if tag != "li" and in_list:
            body.append("</ul>")
            in_list = False
        body.append(f"<{tag}>{text}</{tag}>")
    body_html = "\n        ".join(body)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{GOV_HEADLINE} - GOV.UK</title>
  <meta name="description" content="Guidance on AI assurance for organisations.">
  <meta property="og:site_name" content="GOV.UK">
  <meta name="DC.date" content="2025-03-12">
  <meta name="govuk:first-published-at" content="2025-03-12T09:30:00+00:00">
  <meta name="author" content="Department for Science, Innovation and Technology">
  <link rel="canonical" href="https://www.gov.uk/guidance/national-approach-to-ai-assurance">
</head>
<body>
  <a href="#main" class="skip-link">Skip to main content</a>
  <div class="cookie-banner" role="region" aria-label="Cookies on GOV.UK">
    <h2>Cookies on GOV.UK</h2>
    <p>We use some essential cookies to make this website work. We'd like to set additional
    cookies to understand how you use GOV.UK.</p>
    <button>Accept additional cookies</button> <button>Reject additional cookies</button>
  </div>
  <header><a href="/">GOV.UK</a> <button>Menu</button>
    <nav><ul><li><a href="/browse/business">Business and industry</a></li>
    <li><a href="/browse/tax">Money and tax</a></li><li><a href="/search">Search GOV.UK</a></li></ul></nav>
  </header>
  <div class="breadcrumbs"><ol><li><a href="/">Home</a></li><li><a href="/business">Business and industry</a></li>
    <li><a href="/science">Science and innovation</a></li></ol></div>
  <main id="main">
    <h1>{GOV_HEADLINE}</h1>
    <p class="metadata">From: Department for Science, Innovation and Technology<br>Published 12 March 2025</p>
    <div class="share"><p>Share this page</p><a href="#">Facebook</a> <a href="#">Twitter</a></div>
    <div class="govspeak">
        {body_html}
    </div>
    <a href="javascript:window.print()">Print this page</a>
  </main>
  <div class="related"><h2>Related content</h2><ul>
    <li><a href="/x">AI regulation: a pro-innovation approach</a></li>
    <li><a href="/y">Introduction to AI assurance</a></li></ul></div>
  <div class="feedback"><h2>Is this page useful?</h2><button>Yes</button><button>No</button>
    <a href="/contact">Report a problem with this page</a></div>
  <footer><ul><li><a href="/help">Help</a></li><li><a href="/cookies">Cookies</a></li></ul>
    <p>All content is available under the Open Government Licence v3.0, except where otherwise stated</p>
    <p>&copy; Crown copyright</p></footer>
</body>
</html>
"""


WIRE_FIRST = ("WASHINGTON (Reuters) - The White House on Monday issued an executive order "
              "setting new safety standards for the most powerful artificial intelligence systems.")


def wire_page() -> str:
    """A wire story with no metadata but a <title>: nothing may be invented for it."""
    return f"""<html><head><title>White House issues AI order</title></head><body>
<div class="nav"><a href="/">Home</a> <a href="/world">World</a> <a href="/tech">Technology</a></div>
<article>
<p>{WIRE_FIRST}</p>
<p>The order requires developers of such systems to share the results of safety tests with
the government before the systems are released to the public.</p>
<p>Officials said the measures would be phased in over the coming year, and that agencies
would publish guidance on how companies should comply with them.</p>
</article>
<div class="footer">Reporting by a correspondent; Editing by a desk editor</div>
</body></html>
"""
