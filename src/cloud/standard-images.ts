// scs-0104's list of standard images (the standard's images YAML, version 5): names and the URL prefixes their
// image_source must start with. optional images are checked only for their source when present.
export interface StandardImage {
  name: string;
  /** A regular expression for a class of images (versions in the name); otherwise the exact name. */
  nameScheme?: string;
  status: 'mandatory' | 'recommended' | 'optional';
  sources: string[];
}

export const STANDARD_IMAGES: readonly StandardImage[] = [
  { name: 'Ubuntu 24.04', status: 'mandatory', sources: ['https://cloud-images.ubuntu.com/releases/noble/', 'https://cloud-images.ubuntu.com/noble/'] },
  { name: 'Debian 12', status: 'recommended', sources: ['https://cloud.debian.org/images/cloud/bookworm/', 'https://cdimage.debian.org/cdimage/cloud/bookworm/'] },
  {
    name: 'ubuntu-capi-image',
    nameScheme: 'ubuntu-capi-image-v[0-9]\\.[0-9]+(\\.[0-9]+)?',
    status: 'recommended',
    sources: [
      'https://nbg1.your-objectstorage.com/osism/openstack-k8s-capi-images/',
      'https://swift.services.a.regiocloud.tech/swift/v1/AUTH_b182637428444b9aa302bb8d5a5a418c/openstack-k8s-capi-images/ubuntu-2404-kube',
      'https://swift.services.a.regiocloud.tech/swift/v1/AUTH_b182637428444b9aa302bb8d5a5a418c/openstack-k8s-capi-images/ubuntu-2204-kube',
    ],
  },
  { name: 'Ubuntu 22.04', status: 'optional', sources: ['https://cloud-images.ubuntu.com/releases/jammy/', 'https://cloud-images.ubuntu.com/jammy/'] },
  { name: 'Ubuntu 20.04', status: 'optional', sources: ['https://cloud-images.ubuntu.com/releases/focal/', 'https://cloud-images.ubuntu.com/focal/'] },
  { name: 'Debian 11', status: 'optional', sources: ['https://cloud.debian.org/images/cloud/bullseye/', 'https://cdimage.debian.org/cdimage/cloud/bullseye/'] },
  { name: 'Debian 10', status: 'optional', sources: ['https://cloud.debian.org/images/cloud/buster/', 'https://cdimage.debian.org/cdimage/cloud/buster/'] },
];
