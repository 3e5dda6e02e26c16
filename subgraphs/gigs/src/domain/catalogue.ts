/** The category catalogue gigs are filed under (seeded by a migration; ids are stable slugs used in URLs). */
export const CATALOGUE: { id: string; name: string; subCategories: { id: string; name: string }[] }[] = [
  {
    id: 'programming-tech',
    name: 'Programming & Tech',
    subCategories: [
      { id: 'web-development', name: 'Web Development' },
      { id: 'mobile-apps', name: 'Mobile Apps' },
      { id: 'apis-integrations', name: 'APIs & Integrations' },
      { id: 'devops-cloud', name: 'DevOps & Cloud' },
      { id: 'data-science', name: 'Data Science & ML' },
    ],
  },
  {
    id: 'graphics-design',
    name: 'Graphics & Design',
    subCategories: [
      { id: 'logo-design', name: 'Logo Design' },
      { id: 'ui-ux-design', name: 'UI/UX Design' },
      { id: 'illustration', name: 'Illustration' },
      { id: 'brand-identity', name: 'Brand Identity' },
    ],
  },
  {
    id: 'writing-translation',
    name: 'Writing & Translation',
    subCategories: [
      { id: 'articles-blog-posts', name: 'Articles & Blog Posts' },
      { id: 'copywriting', name: 'Copywriting' },
      { id: 'translation', name: 'Translation' },
      { id: 'technical-writing', name: 'Technical Writing' },
    ],
  },
  {
    id: 'digital-marketing',
    name: 'Digital Marketing',
    subCategories: [
      { id: 'seo', name: 'SEO' },
      { id: 'social-media', name: 'Social Media Marketing' },
      { id: 'email-marketing', name: 'Email Marketing' },
    ],
  },
  {
    id: 'video-animation',
    name: 'Video & Animation',
    subCategories: [
      { id: 'video-editing', name: 'Video Editing' },
      { id: 'animated-explainers', name: 'Animated Explainers' },
    ],
  },
  {
    id: 'music-audio',
    name: 'Music & Audio',
    subCategories: [
      { id: 'voice-over', name: 'Voice Over' },
      { id: 'mixing-mastering', name: 'Mixing & Mastering' },
    ],
  },
];
